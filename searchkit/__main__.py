"""``python -m searchkit``: the same as the ``searchkit`` command."""

from searchkit.cli.launch import main

if __name__ == "__main__":
    main()
