"""Data only: the note check patterns, one `{language}.txt` per language and `neutral.txt`."""
