"""``python -m searchkit``: the same as the ``searchkit`` command."""

from .launch import main

if __name__ == "__main__":
    main()
