package io.flowswitch.flow.ladder;

import java.util.List;

/**
 * What the ladder's {@code notify} step tells the application: which flow and stage failed, how, where,
 * and which decisions it may take.
 *
 * @param stage     e.g. {@code stage 2 (aes-gcm-encrypt)}
 * @param code      the device error's stable code, e.g. {@code CRASHED}
 * @param cause     the error, one sentence
 * @param sequence  the chunk the device was working on, -1 when unknown
 * @param path      where the stage ran when it failed, e.g. {@code instance 0}
 * @param options   the decisions the flow can carry out now
 */
public record Notification(long flowId, String stage, String code, String cause, long sequence, String path,
    List<Decision> options) {
    public Notification {
        options = List.copyOf(options);
    }
}
