package io.edgeuploader.source;

/**
 * A TEXT value whose bytes are not valid UTF-8. Kept as bytes so that it can be rescued exactly
 * instead of being decoded with replacement characters.
 */
public record InvalidText(byte[] bytes) {}
