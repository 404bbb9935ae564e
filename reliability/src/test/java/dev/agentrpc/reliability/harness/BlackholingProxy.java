package dev.agentrpc.reliability.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on 127.0.0.1 that can turn into a black hole: {@link #blackhole()} stops
 * forwarding in both directions while keeping every socket open (a NAT mapping that
 * expired, a peer that lost power: nothing is closed, nothing arrives). Connections accepted
 * meanwhile are held open too, unanswered. {@link #resume()} closes the connections that
 * went through the black hole and forwards new ones again.
 */
public final class BlackholingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private boolean forwarding = true; // guarded by gate
  private volatile boolean closed;

  private BlackholingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy on 127.0.0.1, an ephemeral port, forwarding to 127.0.0.1:{@code targetPort}. */
  public static BlackholingProxy start(int targetPort) throws IOException {
    return new BlackholingProxy(targetPort);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Stops forwarding in both directions; every socket stays open. */
  public void blackhole() {
    synchronized (gate) {
      forwarding = false;
    }
  }

  /** Closes every connection that existed during the black hole, then forwards again. */
  public void resume() {
    synchronized (gate) {
      for (Link link : links) {
        link.close();
      }
      forwarding = true;
      gate.notifyAll();
    }
  }

  /** Connections open now. */
  public int connections() {
    return links.size();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    synchronized (gate) {
      for (Link link : links) {
        link.close();
      }
      gate.notifyAll();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket downstream = listener.accept();
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
        Link link = new Link(downstream, upstream);
        links.add(link);
        link.start();
      } catch (IOException e) {
        // closed, or the target refused: the client sees its connection fail
      }
    }
  }

  /** Waits while the proxy is a black hole; false once {@code link} is closed. */
  private boolean awaitForwarding(Link link) throws InterruptedException {
    synchronized (gate) {
      while (!forwarding && !link.closed && !closed) {
        gate.wait();
      }
      return !link.closed && !closed;
    }
  }

  /** One proxied connection: two sockets and a pump each way. */
  private final class Link {
    private final Socket downstream;
    private final Socket upstream;
    private volatile boolean closed;

    Link(Socket downstream, Socket upstream) {
      this.downstream = downstream;
      this.upstream = upstream;
    }

    void start() throws IOException {
      pump(downstream.getInputStream(), upstream.getOutputStream(), "up");
      pump(upstream.getInputStream(), downstream.getOutputStream(), "down");
    }

    private void pump(InputStream in, OutputStream out, String direction) {
      Thread thread =
          new Thread(
              () -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                  while (awaitForwarding(this)) {
                    int n = in.read(buffer);
                    // Bytes read as the black hole began are held, and never forwarded.
                    if (n < 0 || !awaitForwarding(this)) {
                      break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                } catch (IOException | InterruptedException e) {
                  // a socket closed
                } finally {
                  close();
                }
              },
              "proxy-" + direction + "-" + downstream.getPort());
      thread.setDaemon(true);
      thread.start();
    }

    void close() {
      closed = true;
      links.remove(this);
      closeQuietly(downstream);
      closeQuietly(upstream);
      synchronized (gate) {
        gate.notifyAll(); // the other pump may wait for the black hole to end
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
