package dev.agentrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;

/**
 * The default timeout of calls made through a generated proxy.
 *
 * <p>On an {@link AgentService} interface it applies to every method; on a method it
 * overrides the interface's. Without either, the runtime's default applies. A proxy's
 * {@code withTimeout(Duration)} overrides all of them. The timeout must be at least 1 ms,
 * and it goes only on an {@code @AgentService} interface or on one of its abstract methods.
 *
 * <pre>{@code
 * @AgentService
 * @Timeout(5)                                  // 5 seconds for every method...
 * interface AgentFunctions {
 *   @Timeout(value = 500, unit = TimeUnit.MILLISECONDS)  // ...but 500 ms for this one
 *   Pong ping(Ping request);
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Timeout {
  /** The timeout, in {@link #unit()}; at least 1 ms. */
  long value();

  /** The unit of {@link #value()}; seconds unless given. */
  TimeUnit unit() default TimeUnit.SECONDS;
}
