"""The vocabulary every layer speaks: chat events, effects, refs, callback data, outbox codec."""
