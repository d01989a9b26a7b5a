package io.edgeuploader.source;

/** A column of the SQLite table as declared: its type text may be empty (SQLite allows that). */
public record SourceColumn(String name, String declaredType) {}
