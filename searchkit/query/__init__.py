"""Query: the text a user typed in, a plan of what matches and what scores out.

``parser.parse(text)`` gives a tree of nodes (``tree.py``: words, phrases, patterns, aliases, fields,
groups), written by hand so that no input fails; ``aliases.py`` widens it with the alias table
(``aliases.tsv``); ``plan.compile_plan`` turns the tree into a Whoosh query (what matches) and concepts
(what ranking scores); ``limits.py`` holds the bounds on what one request may cost, which every search and
lookup applies (``alarms.py`` stops a request past its processor time in a thread that signals cannot
reach). Open ``parser.py`` for the language, ``plan.py`` for what a query means to ranking.
"""
