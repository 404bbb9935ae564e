package dev.agentrpc.example.fleet;

import dev.agentrpc.example.controller.Operation;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fleet page for operators: a page (plain HTML, CSS and JavaScript from the classpath)
 * and the JSON endpoints it reads and posts to, under the path it is mapped to.
 *
 * <ul>
 *   <li>{@code GET api/agents?after=V}: the agents and their labels; held until the list
 *       changes from version V (a long poll), at most {@link #POLL_TIMEOUT};
 *   <li>{@code GET api/methods}: what can be called, with example requests;
 *   <li>{@code POST api/rollouts} (JSON: method, request, batch, select, first,
 *       maxFailures): starts a call-all or batched rollout;
 *   <li>{@code GET api/rollouts/ID?from=K}: its results from the Kth on, held until there is
 *       one more or it is done.
 * </ul>
 *
 * <p>Meant for a loopback address: it calls agents for whoever reaches it. It refuses
 * requests naming another host (DNS rebinding) and posts from other origins, and bounds
 * what it reads: bodies of {@link #MAX_BODY_BYTES}, a few rollouts, a few held polls.
 * Needs async support (long polls).
 */
public final class FleetPage extends HttpServlet {
  /** The largest request body read. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /** How long a long poll is held when nothing changes. */
  public static final Duration POLL_TIMEOUT = Duration.ofSeconds(20);

  private static final long serialVersionUID = 1L;
  private static final int MAX_POLLS = 64;
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");
  private static final Map<String, String> FILES =
      Map.of(
          "/", "text/html",
          "/fleet.js", "text/javascript",
          "/fleet.css", "text/css");

  private final transient AgentBoard board;
  private final transient RolloutRuns runs;

  /** A page over {@code clients}, offering {@code operations}. */
  public FleetPage(Clients clients, List<Operation> operations) {
    this.board = new AgentBoard(clients, MAX_POLLS, POLL_TIMEOUT);
    this.runs = new RolloutRuns(clients, operations, MAX_POLLS, POLL_TIMEOUT);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!fromLoopbackName(request, response)) {
      return;
    }
    String path = request.getPathInfo() == null ? "" : request.getPathInfo();
    if (path.isEmpty()) {
      response.sendRedirect(request.getRequestURI() + "/");
    } else if (FILES.containsKey(path)) {
      file(path, response);
    } else if (path.equals("/api/agents")) {
      agents(request, response);
    } else if (path.equals("/api/methods")) {
      methods(response);
    } else if (path.startsWith("/api/rollouts/")) {
      rollout(path.substring("/api/rollouts/".length()), request, response);
    } else {
      error(response, HttpServletResponse.SC_NOT_FOUND, "no such page");
    }
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!fromLoopbackName(request, response)) {
      return;
    }
    if (!"/api/rollouts".equals(request.getPathInfo())) {
      error(response, HttpServletResponse.SC_NOT_FOUND, "no such endpoint");
      return;
    }
    String type = request.getContentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      error(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "post application/json");
      return;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !origin.equals("http://" + request.getHeader("Host"))) {
      error(response, HttpServletResponse.SC_FORBIDDEN, "posts come from the fleet page only");
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      error(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "the body is larger than " + MAX_BODY_BYTES + " bytes");
      return;
    }
    RolloutRun run;
    try {
      run = runs.start(Json.parse(new String(body, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      error(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
      return;
    } catch (IllegalStateException e) {
      error(response, 429, e.getMessage());
      return;
    }
    json(response, run.view(0));
  }

  private void agents(HttpServletRequest request, HttpServletResponse response) throws IOException {
    long after = number(request.getParameter("after"));
    if (request.getDispatcherType() != DispatcherType.ASYNC
        && board.polls().park(request, () -> board.version() == after)) {
      return; // answered when woken
    }
    json(response, board.snapshot());
  }

  private void methods(HttpServletResponse response) throws IOException {
    List<Json> methods = new ArrayList<>();
    for (Operation operation : runs.operations()) {
      methods.add(
          Json.object()
              .put("name", operation.name())
              .put("request", operation.requestTypeName())
              .put("example", operation.example())
              .put("summary", operation.summary()));
    }
    json(response, Json.object().putObjects("methods", methods));
  }

  private void rollout(String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
    RolloutRun run = runs.get(number(id));
    if (run == null) {
      error(response, HttpServletResponse.SC_NOT_FOUND, "no such rollout (the page keeps the last " + RolloutRuns.MAX_KEPT + ")");
      return;
    }
    long from = Math.max(0, number(request.getParameter("from")));
    if (request.getDispatcherType() != DispatcherType.ASYNC
        && run.polls().park(request, () -> !run.isDone() && run.arrived() <= from)) {
      return;
    }
    json(response, run.view((int) Math.min(from, Integer.MAX_VALUE)));
  }

  private void file(String path, HttpServletResponse response) throws IOException {
    String name = path.equals("/") ? "index.html" : path.substring(1);
    try (InputStream in = FleetPage.class.getResourceAsStream("page/" + name)) {
      if (in == null) {
        error(response, HttpServletResponse.SC_NOT_FOUND, "missing " + name);
        return;
      }
      headers(response, FILES.get(path));
      in.transferTo(response.getOutputStream());
    }
  }

  /** Refuses a request whose Host is not a loopback name: a page on another site rebinding its name to us. */
  private static boolean fromLoopbackName(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String host = request.getServerName();
    if (host != null && host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    if (host == null || !LOOPBACK.contains(host.toLowerCase(Locale.ROOT))) {
      error(response, HttpServletResponse.SC_FORBIDDEN, "open the fleet page as 127.0.0.1 or localhost");
      return false;
    }
    return true;
  }

  private static void json(HttpServletResponse response, Json body) throws IOException {
    headers(response, "application/json");
    response.getOutputStream().write(body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void error(HttpServletResponse response, int status, String message) throws IOException {
    response.setStatus(status);
    json(response, Json.object().put("error", message));
  }

  private static void headers(HttpServletResponse response, String type) {
    response.setContentType(type + "; charset=utf-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
  }

  /** A non-negative number, or -1 for anything else. */
  private static long number(String text) {
    if (text == null || text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return Long.parseLong(text);
  }

  /**
   * What the page hears joins and leaves through: its Clients' own, and, for one replica of a
   * cluster, the other replicas' (the controller forwards them here).
   */
  public ClientListener agentEvents() {
    return board;
  }

  /** Stops listening to joins and leaves, and answers the held polls. */
  @Override
  public void destroy() {
    board.close();
  }
}
