package dev.silentrefresh.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.RefreshLock;
import dev.silentrefresh.spi.TokenCipher;
import java.io.IOException;
import java.nio.ByteBuffer;
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
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TokenStore} in one JSON file, or with a {@link TokenCipher} that JSON encrypted ({@link
 * EncryptedTokenFile}). Writes take a lock file (between processes) and a lock per path (between threads), compare
 * the version, write a temporary file owner-only (0600), fsync it, move it over the old one atomically and fsync
 * the directory: a reader never sees half a file, and a crash leaves the old file or the new one (a leftover
 * {@code <name>.tmp} is never read, and the next write replaces it). A file found readable by others is made
 * owner-only before it is read (one WARNING); on file systems without POSIX permissions the file has what its
 * directory gives. A file that cannot be read is an error naming the file, never an empty session, and is left
 * as it is until {@link #overwrite} (a sign-in or sign-out) replaces it. As a {@link RefreshLock} it holds a second
 * lock file ({@code <name>.refresh-lock}) across a whole refresh, so processes sharing the file refresh once.
 */
public final class FileTokenStore implements TokenStore, RefreshLock {
  private static final Logger LOG = Logger.getLogger(TokenStore.class.getName());
  private static final ConcurrentHashMap<Path, ReentrantLock> WRITE_LOCKS = new ConcurrentHashMap<>();
  /** In-JVM part of the refresh lock: a JVM may hold an OS file lock only once per file. */
  private static final ConcurrentHashMap<Path, Semaphore> REFRESH_LOCKS = new ConcurrentHashMap<>();
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final long LOCK_POLL_MILLIS = 10;

  private final Path path;
  private final Path lockPath;
  private final Path refreshLockPath;
  private final @Nullable TokenCipher cipher;

  /** A plain JSON file. */
  public FileTokenStore(Path path) {
    this(path, null);
  }

  /** Encrypted with {@code cipher}; null: plain JSON. */
  public FileTokenStore(Path path, @Nullable TokenCipher cipher) {
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

  private byte @Nullable [] readBytes() throws IOException {
    try {
      keepOwnerOnly();
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("token file ")) throw e;
      throw new IOException("could not read token file " + path + ": " + reason(e), e);
    }
  }

  /**
   * A token file others may read (written by something else, or copied) is made owner-only before it is read, and
   * said once: its tokens may have been seen. Refused when that fails (not the file's owner).
   */
  private void keepOwnerOnly() throws IOException {
    Set<PosixFilePermission> now;
    try {
      now = Files.getPosixFilePermissions(path);
    } catch (UnsupportedOperationException notPosix) {
      return;
    }
    if (OWNER_ONLY.containsAll(now)) return;
    try {
      Files.setPosixFilePermissions(path, OWNER_ONLY);
    } catch (IOException e) {
      throw new IOException("token file " + path + " is readable by others (" + PosixFilePermissions.toString(now)
          + ") and could not be made owner-only (" + reason(e) + "); chmod 600 it", e);
    }
    LOG.warning("token file " + path + " was readable by others (" + PosixFilePermissions.toString(now)
        + "); made it owner-only (rw-------). Its tokens may have been read: sign in again if that matters");
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
      createDirectory();
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
          version = cur.version() + 1;
        } else {
          StoredTokens cur = read();
          if (cur.version() != expectedVersion) return null;
          version = cur.version() + 1;
        }
        StoredTokens written = new StoredTokens(next, version);
        replaceFile(encode(written));
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
      createDirectory();
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

  private void createDirectory() throws IOException {
    Path directory = path.getParent();
    if (Files.isDirectory(directory)) return;
    try {
      try {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
      } catch (UnsupportedOperationException notPosix) {
        Files.createDirectories(directory);
      }
    } catch (IOException e) {
      throw new IOException("could not create the directory of token file " + path + ": " + reason(e), e);
    }
  }

  /**
   * Writes {@code content} to {@code <name>.tmp} (owner-only, fsynced), moves it over the file atomically and
   * fsyncs the directory, so that the rename itself survives a power cut. Called under both write locks.
   */
  private void replaceFile(byte[] content) throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.deleteIfExists(tmp); // a write killed before its rename left it; never read
    try (FileChannel out = openOwnerOnly(tmp)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) out.write(buffer);
      out.force(true);
    }
    try {
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory();
  }

  private static FileChannel openOwnerOnly(Path file) throws IOException {
    Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException notPosix) {
      return FileChannel.open(file, options);
    }
  }

  /** Where a directory can be opened (not on Windows), fsyncs it: the rename is then on disk too. */
  private void syncDirectory() {
    try (FileChannel directory = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException | UnsupportedOperationException notSupported) {
      // the file system cannot sync a directory; the file's own fsync stands
    }
  }

  private byte[] encode(StoredTokens s) throws IOException {
    ObjectNode o = Json.object();
    o.put("version", s.version());
    Tokens t = s.tokens();
    if (t != null) {
      o.put("accessToken", t.accessToken());
      if (t.refreshToken() != null) o.put("refreshToken", t.refreshToken());
      if (t.expiresAt() != null) o.put("expiresAt", t.expiresAt().toString());
      if (t.refreshExpiresAt() != null) o.put("refreshExpiresAt", t.refreshExpiresAt().toString());
    }
    byte[] json = Json.write(o);
    return cipher == null ? json : EncryptedTokenFile.seal(json, cipher);
  }

  private StoredTokens decode(byte @Nullable [] stored) throws IOException {
    if (stored == null) return StoredTokens.empty();
    byte[] bytes;
    if (cipher != null && stored.length == 0) {
      bytes = EncryptedTokenFile.open(stored, cipher, path); // an empty file: truncated
    } else if (EncryptedTokenFile.looksEncrypted(stored)) {
      if (cipher == null) throw EncryptedTokenFile.encryptedWithoutKey(path);
      bytes = EncryptedTokenFile.open(stored, cipher, path);
    } else {
      if (cipher != null) throw EncryptedTokenFile.plaintextWithKey(path, stored);
      bytes = stored;
    }
    JsonNode o;
    try {
      o = Json.parse(bytes);
    } catch (IOException e) {
      throw new IOException("token file " + path + " is not valid JSON (truncated?); fix or delete it, or sign in again", null);
    }
    JsonNode version = o.get("version");
    if (!o.isObject() || version == null || !version.canConvertToLong()) {
      throw new IOException("token file " + path + " has no numeric \"version\"; fix or delete it, or sign in again");
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
    return "FileTokenStore{" + path + (cipher == null ? "" : ", encrypted") + '}';
  }
}
