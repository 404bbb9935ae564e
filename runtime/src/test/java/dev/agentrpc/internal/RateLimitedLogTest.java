package dev.agentrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class RateLimitedLogTest {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger recording =
      (Logger)
          Proxy.newProxyInstance(
              Logger.class.getClassLoader(),
              new Class<?>[] {Logger.class},
              (proxy, method, args) -> {
                if ((method.getName().equals("warn") || method.getName().equals("info"))
                    && args != null
                    && args.length == 1) {
                  lines.add(method.getName() + ": " + args[0]);
                }
                return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
              });

  @Test
  void aFloodOfOneKindLogsOneLine() {
    RateLimitedLog log = new RateLimitedLog(recording);

    for (int i = 0; i < 10_000; i++) {
      log.warn("violation", "protocol violation " + i);
    }

    assertThat(lines).containsExactly("warn: protocol violation 0");
  }

  @Test
  void kindsAreLimitedSeparately() {
    RateLimitedLog log = new RateLimitedLog(recording);

    log.warn("violation", "a violation");
    log.info("refused", "a refusal");
    log.warn("violation", "another violation");

    assertThat(lines).containsExactly("warn: a violation", "info: a refusal");
  }
}
