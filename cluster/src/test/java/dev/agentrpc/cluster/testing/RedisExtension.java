package dev.agentrpc.cluster.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RedisProcess} for a test class: {@code @RegisterExtension static final
 * RedisExtension redis = new RedisExtension();} starts it before the class's tests (or skips
 * them, see {@link RedisProcess#start()}) and stops it after.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {
  private RedisProcess process;

  @Override
  public void beforeAll(ExtensionContext context) {
    process = RedisProcess.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (process != null) {
      process.stop();
    }
  }

  /** The running server. */
  public RedisProcess process() {
    return process;
  }
}
