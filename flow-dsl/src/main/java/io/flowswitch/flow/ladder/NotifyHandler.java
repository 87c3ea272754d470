package io.flowswitch.flow.ladder;

import java.util.concurrent.CompletionStage;

/**
 * The application's side of the ladder's {@code notify} step. Called off the data path, once per
 * notification; it must not block: answer through the returned stage. An answer that comes after the
 * step's timeout, an exception or a decision not among the notification's options leaves the step's default.
 */
@FunctionalInterface
public interface NotifyHandler {
    CompletionStage<Decision> decide(Notification notification);
}
