"""The default data of every app, loaded together (``manage.py load_defaults``).

This app sits at the top of the dependency direction: it may import every other app, and no app
imports it. Each app keeps the loader of its own part (``registry.loading``, ``kb.loading``,
``calendars.loading``); this app only decides the order and the transaction.
"""
