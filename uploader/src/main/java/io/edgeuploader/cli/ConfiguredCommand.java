package io.edgeuploader.cli;

import io.edgeuploader.config.ConfigKey;
import java.util.Set;

/**
 * A command that reads the settings; {@link Main} gives it the options of {@link ConfigOptions}.
 */
interface ConfiguredCommand {
  /** The kinds of settings it uses: its --help lists those. */
  Set<ConfigKey.Use> uses();
}
