package dev.silentrefresh.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.Tokens;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link TokenStore} in one JSON file. Writes take a lock file (between processes) and a lock per
 * path (between threads), compare the version, write a temporary file and move it over the old one
 * atomically; a reader never sees half a file.
 */
public final class FileTokenStore implements TokenStore {
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path path;
  private final Path lockPath;

  public FileTokenStore(Path path) {
    if (path == null) throw new IllegalArgumentException("path is null");
    this.path = path.toAbsolutePath().normalize();
    this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
  }

  @Override
  public StoredTokens read() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return StoredTokens.empty();
    }
    return decode(bytes);
  }

  @Override
  public StoredTokens replace(long expectedVersion, Tokens next) throws IOException {
    if (next == null) throw new IllegalArgumentException("tokens are null; use clear()");
    return write(expectedVersion, next);
  }

  @Override
  public StoredTokens clear(long expectedVersion) throws IOException {
    return write(expectedVersion, null);
  }

  private StoredTokens write(long expectedVersion, Tokens next) throws IOException {
    ReentrantLock threadLock = LOCKS.computeIfAbsent(path, p -> new ReentrantLock());
    threadLock.lock();
    try {
      Files.createDirectories(path.getParent());
      try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = channel.lock()) {
        StoredTokens cur = read();
        if (cur.version() != expectedVersion) return null;
        StoredTokens written = new StoredTokens(next, cur.version() + 1);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        createOwnerOnly(tmp);
        Files.write(tmp, encode(written), StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
        try {
          Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
        return written;
      }
    } finally {
      threadLock.unlock();
    }
  }

  private static void createOwnerOnly(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
  }

  private byte[] encode(StoredTokens s) {
    ObjectNode o = Json.object();
    o.put("version", s.version());
    Tokens t = s.tokens();
    if (t != null) {
      o.put("accessToken", t.accessToken());
      if (t.refreshToken() != null) o.put("refreshToken", t.refreshToken());
      if (t.expiresAt() != null) o.put("expiresAt", t.expiresAt().toString());
      if (t.refreshExpiresAt() != null) o.put("refreshExpiresAt", t.refreshExpiresAt().toString());
    }
    return Json.write(o);
  }

  private StoredTokens decode(byte[] bytes) throws IOException {
    JsonNode o;
    try {
      o = Json.parse(bytes);
    } catch (IOException e) {
      throw new IOException("token file " + path + " is not valid JSON; fix or delete it", null);
    }
    JsonNode version = o.get("version");
    if (!o.isObject() || version == null || !version.canConvertToLong()) {
      throw new IOException("token file " + path + " has no numeric \"version\"; fix or delete it");
    }
    JsonNode access = o.get("accessToken");
    if (access == null || access.isNull()) return new StoredTokens(null, version.asLong());
    try {
      Tokens tokens = Tokens.builder()
          .accessToken(text(o, "accessToken"))
          .refreshToken(text(o, "refreshToken"))
          .expiresAt(instant(o, "expiresAt"))
          .refreshExpiresAt(instant(o, "refreshExpiresAt"))
          .build();
      return new StoredTokens(tokens, version.asLong());
    } catch (IllegalArgumentException e) {
      throw new IOException("token file " + path + " is invalid: " + e.getMessage() + "; fix or delete it");
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) return null;
    if (!n.isTextual()) throw new IllegalArgumentException("\"" + field + "\" is " + Json.describe(n) + ", expected a string");
    return n.asText();
  }

  private static Instant instant(JsonNode o, String field) {
    String s = text(o, field);
    if (s == null) return null;
    try {
      return Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("\"" + field + "\" is not an ISO-8601 instant");
    }
  }

  @Override
  public String toString() {
    return "FileTokenStore{" + path + '}';
  }
}
