package io.edgeuploader.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "example-config",
    mixinStandardHelpOptions = true,
    description = "Print a commented example YAML config with every key and its default.")
final class ExampleConfigCommand implements Callable<Integer> {
  static final String RESOURCE = "/uploader-config.yaml.example";

  @Override
  public Integer call() {
    try (InputStream in = ExampleConfigCommand.class.getResourceAsStream(RESOURCE)) {
      System.out.write(in.readAllBytes());
      System.out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return 0;
  }
}
