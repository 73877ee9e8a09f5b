package dev.silentrefresh.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Requests of {@link Faults.Fault#NEVER_ANSWER}: read, then never answered. No thread waits for them: the exchange
 * is left open (its callback not completed) until the client closes the connection, {@link #closeAll()} or
 * {@link #close()}. Jetty's idle timeouts on such a connection are ignored while the client is still there; at each
 * one the connection is probed, and one the client has closed is let go. Thread-safe.
 */
final class Unanswered {
  private final Set<Parked> parked = ConcurrentHashMap.newKeySet();
  private boolean closed; // guarded by this

  /** Leaves {@code request} unanswered; called on the request thread, which returns at once. */
  void park(Request request, Callback callback) {
    Parked p = new Parked(request.getConnectionMetaData().getConnection().getEndPoint(), callback);
    synchronized (this) {
      if (!closed) {
        parked.add(p);
        request.addIdleTimeoutListener(timeout -> {
          if (p.clientGone()) {
            end(p);
          }
          return false; // not a failure: the request stays unanswered
        });
        return;
      }
    }
    p.end();
  }

  /** How many requests are waiting unanswered. */
  int waiting() {
    return parked.size();
  }

  /** Closes the connection of every request waiting now (later ones wait again). */
  void closeAll() {
    List<Parked> all = new ArrayList<>(parked);
    all.forEach(this::end);
  }

  /** Closes every waiting connection, and any later one at once. */
  void close() {
    synchronized (this) {
      closed = true;
    }
    closeAll();
  }

  private void end(Parked p) {
    if (parked.remove(p)) {
      p.end();
    }
  }

  private static final class Parked {
    final EndPoint endPoint;
    final Callback callback;

    Parked(EndPoint endPoint, Callback callback) {
      this.endPoint = endPoint;
      this.callback = callback;
    }

    /** Whether the client closed its side: a read finds the end of the stream (or fails). */
    boolean clientGone() {
      try {
        return endPoint.fill(BufferUtil.allocate(256)) < 0; // nothing more is read from a parked connection
      } catch (IOException e) {
        return true;
      }
    }

    void end() {
      endPoint.close();
      callback.failed(new EofException("request left unanswered by an injected fault"));
    }
  }
}
