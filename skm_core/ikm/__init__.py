"""The IKM and its files: responses, the index and its text, answer files, imports, sample."""
