package dev.agentrpc.example.controller;

import dev.agentrpc.example.AgentFunctionsProxy;
import dev.agentrpc.example.v1.EchoRequest;
import dev.agentrpc.example.v1.HostInfoRequest;
import dev.agentrpc.example.v1.ListDirRequest;
import dev.agentrpc.example.v1.SleepRequest;
import java.util.List;

/**
 * The console's table of {@code AgentFunctions} methods: each name with its request type and
 * the typed proxy calls that send it, to one agent ({@code async()}) and to many ({@code
 * fanOut(options)}). One entry per method, no reflection; a method added to the interface is
 * added here too.
 */
public final class Operations {
  private Operations() {}

  /** The operations, calling one agent or many through {@code agents}. */
  public static List<Operation> of(AgentFunctionsProxy agents) {
    return List.of(
        Operation.of(
            "hostInfo",
            "hostname, OS, cores, JVM uptime, load, free memory",
            "{}",
            HostInfoRequest.getDefaultInstance(),
            agents.async()::hostInfo,
            (options, request) -> agents.fanOut(options).hostInfo(request)),
        Operation.of(
            "listDir",
            "a directory below the agent's --root",
            "{\"path\": \"logs\"}",
            ListDirRequest.getDefaultInstance(),
            agents.async()::listDir,
            (options, request) -> agents.fanOut(options).listDir(request)),
        Operation.of(
            "sleep",
            "answer after millis; stops on cancel or deadline",
            "{\"millis\": 500}",
            SleepRequest.getDefaultInstance(),
            agents.async()::sleep,
            (options, request) -> agents.fanOut(options).sleep(request)),
        Operation.of(
            "echo",
            "answer with the text sent",
            "{\"text\": \"hi\"}",
            EchoRequest.getDefaultInstance(),
            agents.async()::echo,
            (options, request) -> agents.fanOut(options).echo(request)));
  }
}
