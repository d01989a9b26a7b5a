package io.edgeuploader.sink;

/**
 * A commit that landed.
 *
 * @param table the table as this commit left it, to build the next commit on
 * @param version the version this commit became
 * @param bytes the bytes of the data files it added
 * @param attempts how many times it was attempted (more than one: it lost races)
 */
public record Committed(TableVersion table, long version, long bytes, int attempts) {}
