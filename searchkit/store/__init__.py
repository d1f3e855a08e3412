"""Store: the index folder on disk, opened at one commit, written crash-safely.

``store.py`` is the entry point: ``Store.open`` (read), ``Store.writing`` (the write lock, then batches
of whole documents, each one atomic commit with its manifest). ``rebuild.py`` builds a rebuild beside the
live index and swaps it in. Beneath them:
``commits.py`` (Whoosh commits pinned to one generation, durable writes, cleaning), ``manifest.py`` (what
each commit holds, by file and document), ``lock.py`` (the write lock), ``storage.py`` (Whoosh storage read
without memory maps). ``status.py`` gives ``stats`` and ``verify``, ``export.py`` every passage as records.

Takes ``Prepared`` documents from ``postings``; gives readers and searchers to ``search`` and ``cite``.
"""
