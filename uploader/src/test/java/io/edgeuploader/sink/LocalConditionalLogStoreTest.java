package io.edgeuploader.sink;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalConditionalLogStoreTest {
  @TempDir Path dir;

  @Test
  void exactlyOneOfManyRacingWritersWinsEachVersion() throws Exception {
    var conf = Storage.configurationFor(dir.toString(), Map.of(), Map.of());
    LogStoreRace.run(
        () -> new LocalConditionalLogStore(conf), conf, dir.toUri().toString(), 4, 300);
  }
}
