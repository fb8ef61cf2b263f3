"""`orderbot try`: the sandbox, the bot and a web page that plays every person in a browser.

A tool beside the product, like bot/demo: only bot/cli.py imports it.
"""
