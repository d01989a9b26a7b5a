package io.edgeuploader.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files written straight into S3Proxy's filesystem backend, made to look like uploaded objects. The
 * backend (jclouds' filesystem blob store) serves any file under basedir/bucket/key, but it answers
 * with an ETag only when the file carries the MD5 it records at upload, in the extended attribute
 * {@code user.user.content-md5}; S3A checks ETags on reads. Writing a table of a million files
 * through the HTTP API would take far longer than writing it locally and tagging it.
 */
final class StoreObjects {
  private StoreObjects() {}

  /** Records every regular file's MD5 under {@code dir} as S3Proxy's upload would have. */
  static void tag(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(dir)) {
      files = all.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
      view.write("user.content-md5", ByteBuffer.wrap(md5(f)));
    }
  }

  private static byte[] md5(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest md = MessageDigest.getInstance("MD5");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void main(String[] args) throws IOException {
    tag(Path.of(args[0]));
  }
}
