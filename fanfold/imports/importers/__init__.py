"""Parsers that turn a legacy story file into a ParsedStory; they never touch the database."""
