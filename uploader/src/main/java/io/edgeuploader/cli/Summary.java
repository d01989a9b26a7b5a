package io.edgeuploader.cli;

import io.edgeuploader.PassResult;
import io.edgeuploader.Uploader;

/** The one line 'once' and 'demo' print when they are done. */
final class Summary {
  private Summary() {}

  static String of(Uploader uploader, PassResult result) {
    if (result.commits() == 0) {
      return "nothing new in "
          + uploader.table().name()
          + "; "
          + uploader.sink().location()
          + " is up to date";
    }
    return "uploaded "
        + result.rows()
        + (result.rows() == 1 ? " row from " : " rows from ")
        + uploader.table().name()
        + " to "
        + uploader.sink().location()
        + " in "
        + result.commits()
        + " commit"
        + (result.commits() == 1 ? "" : "s")
        + " (Delta version "
        + result.lastVersion()
        + ", "
        + result.rescued()
        + " values rescued into _rescued_data)";
  }
}
