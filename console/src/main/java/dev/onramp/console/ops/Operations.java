package dev.onramp.console.ops;

/** What an operator can look at and do, shared by the ops API and the pages so that both answer alike. */
public record Operations(SessionLookup sessions, DeadLetters deadLetters, Redriver redriver, Eraser eraser, PipelineWatch watch,
                         StalledSessions stalled) {
}
