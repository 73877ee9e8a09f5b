package dev.silentrefresh.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.RefreshLock;
import dev.silentrefresh.spi.TokenCipher;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link TokenStore} in one JSON file. Writes take a lock file (between processes) and a lock per
 * path (between threads), compare the version, write a temporary file (created owner-only, 0600, where the file
 * system has POSIX permissions), force it to disk, move it over the old one atomically and force the directory; a
 * reader never sees half a file, and a crash leaves the old file or the new one (a temporary file left by a killed
 * write is never read, and the next write replaces it). As a {@link RefreshLock} it holds a second lock file
 * ({@code <name>.refresh-lock}) across a whole refresh, so processes sharing the file refresh once.
 *
 * <p>With a {@link TokenCipher} the JSON is sealed with AES-GCM: the file is
 * <code>{"format":"silent-refresh.token-file/1","sealed":"&lt;base64&gt;"}</code>. A wrong key, a changed or truncated
 * file, a plain file read with a key, or a sealed one read without are each an {@link IOException} naming the file
 * and what is wrong, never an empty session; {@link #overwrite} (a sign-in) replaces any of them.
 */
public final class FileTokenStore implements TokenStore, RefreshLock {
  private static final ConcurrentHashMap<Path, ReentrantLock> WRITE_LOCKS = new ConcurrentHashMap<>();
  /** In-JVM part of the refresh lock: a JVM may hold an OS file lock only once per file. */
  private static final ConcurrentHashMap<Path, Semaphore> REFRESH_LOCKS = new ConcurrentHashMap<>();
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(dev.silentrefresh.TokenStore.class.getName());
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final long LOCK_POLL_MILLIS = 10;

  static final String SEALED_FORMAT = "silent-refresh.token-file/1";
  private static final byte[] BOUND_TO = SEALED_FORMAT.getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final Path path;
  private final Path lockPath;
  private final Path refreshLockPath;
  private final TokenCipher cipher;

  public FileTokenStore(Path path) {
    this(path, null);
  }

  /** A store in {@code path}, sealed with {@code cipher} when it is not null. */
  public FileTokenStore(Path path, TokenCipher cipher) {
    if (path == null) throw new IllegalArgumentException("path is null");
    this.cipher = cipher;
    this.path = path.toAbsolutePath().normalize();
    this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
    this.refreshLockPath = this.path.resolveSibling(this.path.getFileName() + ".refresh-lock");
  }

  @Override
  public StoredTokens read() throws IOException {
    return decode(readBytes());
  }

  private byte[] readBytes() throws IOException {
    try {
      keepOwnerOnly();
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new IOException("could not read token file " + path + ": " + reason(e), e);
    }
  }

  @Override
  public StoredTokens replace(long expectedVersion, Tokens next) throws IOException {
    if (next == null) throw new IllegalArgumentException("tokens are null; use clear()");
    return write(expectedVersion, next, false);
  }

  @Override
  public StoredTokens clear(long expectedVersion) throws IOException {
    return write(expectedVersion, null, false);
  }

  /** Replaces whatever the file holds, a corrupt file included (its version then restarts above any likely one). */
  @Override
  public StoredTokens overwrite(Tokens next) throws IOException {
    return write(0, next, true);
  }

  private StoredTokens write(long expectedVersion, Tokens next, boolean whatever) throws IOException {
    ReentrantLock threadLock = WRITE_LOCKS.computeIfAbsent(path, p -> new ReentrantLock());
    threadLock.lock();
    try {
      try {
        createDirectoriesOwnerOnly(path.getParent());
      } catch (IOException e) {
        throw new IOException("could not create the directory of token file " + path + ": " + reason(e), e);
      }
      try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = channel.lock()) {
        long version;
        if (whatever) {
          StoredTokens cur;
          try {
            cur = read();
          } catch (IOException unreadable) {
            cur = new StoredTokens(null, Math.max(1, System.currentTimeMillis()));
          }
          // a version at its end (only a hand-made file has one) restarts like an unreadable file
          version = cur.version() == Long.MAX_VALUE ? Math.max(1, System.currentTimeMillis()) + 1 : cur.version() + 1;
        } else {
          StoredTokens cur = read();
          if (cur.version() != expectedVersion) return null;
          if (cur.version() == Long.MAX_VALUE) {
            throw new IOException("token file " + path + " is at its last version; sign in again to replace it");
          }
          version = cur.version() + 1;
        }
        StoredTokens written = new StoredTokens(next, version);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        createOwnerOnly(tmp);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(encode(written));
          while (bytes.hasRemaining()) out.write(bytes);
          out.force(true);
        }
        try {
          Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory();
        return written;
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().contains(path.toString())) throw e;
        throw new IOException("could not write token file " + path + ": " + reason(e), e);
      }
    } finally {
      threadLock.unlock();
    }
  }

  @Override
  public Lease acquire(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Semaphore inJvm = REFRESH_LOCKS.computeIfAbsent(refreshLockPath, p -> new Semaphore(1));
    if (!inJvm.tryAcquire(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS)) return null;
    FileChannel channel = null;
    try {
      Files.createDirectories(path.getParent());
      channel = FileChannel.open(refreshLockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      for (;;) {
        FileLock lock = channel.tryLock();
        if (lock != null) return new FileLease(inJvm, channel, lock);
        if (System.nanoTime() - deadline >= 0) break;
        Thread.sleep(LOCK_POLL_MILLIS); // another process refreshes; OS file locks cannot wait with a timeout
      }
    } catch (IOException e) {
      closeQuietly(channel);
      inJvm.release();
      throw new IOException("could not lock " + refreshLockPath + ": " + reason(e), e);
    } catch (InterruptedException | RuntimeException e) {
      closeQuietly(channel);
      inJvm.release();
      throw e;
    }
    closeQuietly(channel);
    inJvm.release();
    return null;
  }

  private static final class FileLease implements Lease {
    private final Semaphore inJvm;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean open = new AtomicBoolean(true);

    FileLease(Semaphore inJvm, FileChannel channel, FileLock lock) {
      this.inJvm = inJvm;
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      if (!open.compareAndSet(true, false)) return;
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
      closeQuietly(channel);
      inJvm.release();
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) return;
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    String kind = e.getClass().getSimpleName();
    if (e instanceof java.nio.file.FileSystemException) {
      String r = ((java.nio.file.FileSystemException) e).getReason();
      return kind + (r == null ? "" : " (" + r + ")");
    }
    return kind + (m == null ? "" : " (" + m + ")");
  }

  /** Makes the rename durable: forces the directory entry to disk where the platform can (not on Windows). */
  private void forceDirectory() {
    try (FileChannel dir = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // a directory cannot be opened or forced here: the rename is as durable as the file system makes it
    }
  }

  /**
   * A file that others may read (made by hand, copied, or restored from a backup) is made owner-only before its tokens
   * are read, and said once; one that cannot be is refused.
   */
  private void keepOwnerOnly() throws IOException {
    Set<PosixFilePermission> now;
    try {
      now = Files.getPosixFilePermissions(path);
    } catch (UnsupportedOperationException e) {
      return; // no POSIX permissions here (Windows): the file has what its directory gives
    }
    if (OWNER_ONLY.containsAll(now)) return;
    String was = PosixFilePermissions.toString(now);
    try {
      Files.setPosixFilePermissions(path, OWNER_ONLY);
    } catch (IOException e) {
      throw new IOException("token file " + path + " can be read by others (" + was + ") and could not be made"
          + " owner-only: " + reason(e), null);
    }
    LOG.warning("token file " + path + " could be read by others (" + was + "); made it owner-only (rw-------)");
  }

  private static void createDirectoriesOwnerOnly(Path dir) throws IOException {
    if (Files.isDirectory(dir)) return;
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir);
    }
  }

  private static void createOwnerOnly(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
  }

  private byte[] encode(StoredTokens s) throws IOException {
    byte[] plain = encodePlain(s);
    if (cipher == null) return plain;
    ObjectNode sealed = Json.object();
    sealed.put("format", SEALED_FORMAT);
    try {
      sealed.put("sealed", java.util.Base64.getEncoder().encodeToString(cipher.seal(plain, BOUND_TO)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot encrypt token file " + path + ": " + e.getClass().getSimpleName());
    }
    return Json.write(sealed);
  }

  private byte[] encodePlain(StoredTokens s) {
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
    if (bytes == null) return StoredTokens.empty();
    JsonNode o = parse(bytes, "");
    JsonNode sealed = o.get("sealed");
    if (sealed != null) {
      if (cipher == null) {
        throw new IOException("token file " + path + " is encrypted; give the store its key, or sign in again to replace it");
      }
      if (!SEALED_FORMAT.equals(o.path("format").asText(null)) || !sealed.isTextual()) {
        throw new IOException("token file " + path + " is not a Silent Refresh token file (unknown format); sign in again to replace it");
      }
      byte[] plain;
      try {
        plain = cipher.open(java.util.Base64.getDecoder().decode(sealed.asText()), BOUND_TO);
      } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
        throw new IOException("token file " + path + " cannot be decrypted: wrong key, or the file was changed or"
            + " cut short; sign in again to replace it");
      }
      o = parse(plain, " (decrypted)");
    } else if (cipher != null) {
      throw new IOException("token file " + path + " is not encrypted, but the store has a key: refusing it (it may"
          + " have been written by something else); sign in again to replace it");
    }
    JsonNode version = o.get("version");
    if (!o.isObject() || version == null || !version.isIntegralNumber() || !version.canConvertToLong()
        || version.asLong() < 0) {
      throw new IOException("token file " + path + " has no \"version\" that is a whole number from 0 to "
          + Long.MAX_VALUE + "; fix or delete it, or sign in again");
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
      throw new IOException("token file " + path + " is invalid: " + e.getMessage() + "; fix or delete it, or sign in again");
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectReader STRICT =
      Json.MAPPER.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonNode parse(byte[] bytes, String what) throws IOException {
    try {
      // the whole file is one JSON value: anything after it means the file was damaged or written by something else
      JsonNode node = STRICT.readTree(bytes);
      if (node == null || node.isMissingNode()) throw new IOException("no JSON value");
      return node;
    } catch (IOException e) {
      throw new IOException("token file " + path + what + " is not valid JSON (damaged or cut short); fix or delete it,"
          + " or sign in again", null);
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
    return "FileTokenStore{" + path + (cipher == null ? "" : ", " + cipher) + '}';
  }
}
