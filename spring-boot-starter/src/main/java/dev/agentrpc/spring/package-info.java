/**
 * Spring Boot auto-configuration for agentrpc, one side or both per application, each switched on
 * by properties.
 *
 * <p>The controller ({@link dev.agentrpc.spring.AgentRpcServerAutoConfiguration}, on when {@code
 * agentrpc.server.port} is set or {@code agentrpc.server.enabled=true}) has a {@link
 * dev.agentrpc.server.Clients} bean, serves the Connect stream on a Netty server ({@link
 * dev.agentrpc.spring.AgentRpcServer}, started once the context refreshed) and makes every
 * generated {@code XProxy} on the classpath a bean, created with its {@code of(Clients)}.
 *
 * <p>The agent ({@link dev.agentrpc.spring.AgentRpcAgentAutoConfiguration}, on when {@code
 * agentrpc.agent.name} and {@code agentrpc.agent.target} are set) serves every bean implementing an
 * {@code @AgentService} interface through its generated {@code XHandlers.register}, over a {@link
 * dev.agentrpc.transport.stream.StreamClient} ({@link dev.agentrpc.spring.AgentRpcAgent}) dialed
 * once the context refreshed and closed when it closes.
 *
 * <p>Both find the interfaces through the index the processor writes, {@code
 * META-INF/agentrpc/services/<binary name>}: compile them with {@code agentrpc-processor}.
 * Reflection is used at start-up only (to call {@code of} and {@code register}), never on a call.
 */
package dev.agentrpc.spring;
