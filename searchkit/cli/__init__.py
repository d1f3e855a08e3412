"""The ``searchkit`` command: argv in, output and an exit code out.

``launch.main`` is what ``bin/searchkit`` runs: it hands read-only commands to a resident ``searchkit
serve`` (``protocol.py``; ``serve.py`` is the server) and otherwise runs ``main.main``, the click group.
Commands: ``index_commands.py`` (index, sources, stats, verify, serve, export), ``search_commands.py``
(search, show), ``cite_command.py``; ``common.py`` holds what they share (``--index``, colour, width, and
``handle_errors``: the package's exceptions become one line on stderr and an ``ExitCode``); ``batch.py``
reads ``--batch`` query files. The only layer that prints or exits.
"""
