package io.flowswitch.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups small requests to the same device kind into batches for the direct path, up to a byte budget or
 * a latency bound, whichever comes first.
 *
 * <p>Rules, per kind, over requests in arrival order: a request opens a batch if its kind has none open;
 * it joins the open batch if the batch's bytes plus its own stay within {@code maxBatchBytes} and it
 * arrives no later than {@code maxDelayNs} after the batch opened; otherwise the open batch is dispatched
 * and the request opens a new one. A batch is dispatched when it is full (at the arrival that filled it),
 * when a request does not fit (at that request's arrival), or when its latency bound expires ({@code
 * openedNs + maxDelayNs}), whichever is first. A request larger than the budget is a batch of its own.
 *
 * <p>Pure: given arrival times and sizes, {@link #assign} says which batch each request joins and when
 * each batch leaves. Immutable and thread-safe.
 *
 * @param maxBatchBytes byte budget of one batch, &gt;= 1
 * @param maxDelayNs the longest a request waits for others, &gt;= 0
 */
public record Batcher(long maxBatchBytes, long maxDelayNs) {
    public Batcher {
        if (maxBatchBytes < 1 || maxDelayNs < 0) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "a batcher needs maxBatchBytes >= 1 and "
                + "maxDelayNs >= 0, got " + maxBatchBytes + " and " + maxDelayNs);
        }
    }

    /** One small request: its device kind, when it arrived, how big it is. */
    public record Request(String kind, long arrivalNs, long sizeBytes) {
        public Request {
            if (kind == null || kind.isEmpty() || sizeBytes < 0) {
                throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                    "a request needs a device kind and a size >= 0, got '" + kind + "' and " + sizeBytes);
            }
        }
    }

    /**
     * One batch.
     *
     * @param index position among all batches, in order of opening
     * @param requests indices of its requests in the input, in arrival order
     * @param dispatchNs when it leaves: full, displaced, or at its latency bound
     */
    public record Batch(int index, String kind, long openedNs, long dispatchNs, long bytes, List<Integer> requests) {
        public Batch {
            requests = List.copyOf(requests);
        }
    }

    /**
     * The batches, and for each request the index of its batch.
     *
     * @param batchOfRequest {@code batchOfRequest.get(i)} is the batch of request {@code i}
     */
    public record Assignment(List<Batch> batches, List<Integer> batchOfRequest) {
        public Assignment {
            batches = List.copyOf(batches);
            batchOfRequest = List.copyOf(batchOfRequest);
        }
    }

    /**
     * Assigns {@code requests}, which must be in arrival order, to batches.
     *
     * @throws SchedulerException {@code BAD_ARGUMENT} when arrivals go back in time
     */
    public Assignment assign(List<Request> requests) {
        final List<Open> batches = new ArrayList<>();
        final Map<String, Open> openByKind = new LinkedHashMap<>();
        final List<Integer> batchOfRequest = new ArrayList<>(requests.size());
        long last = Long.MIN_VALUE;
        for (int i = 0; i < requests.size(); i++) {
            final Request request = requests.get(i);
            if (request.arrivalNs() < last) {
                throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "request " + i + " arrives at "
                    + request.arrivalNs() + " ns, before the one before it (" + last + " ns)");
            }
            last = request.arrivalNs();
            Open open = openByKind.get(request.kind());
            if (open != null && !open.takes(request)) {
                // Dispatched at its deadline if that came first, else now that this one does not fit.
                open.dispatchNs = Math.min(open.deadlineNs(), request.arrivalNs());
                openByKind.remove(request.kind());
                open = null;
            }
            if (open == null) {
                open = new Open(batches.size(), request.kind(), request.arrivalNs());
                batches.add(open);
                openByKind.put(request.kind(), open);
            }
            open.bytes += request.sizeBytes();
            open.requests.add(i);
            batchOfRequest.add(open.index);
            if (open.bytes >= maxBatchBytes) {
                open.dispatchNs = request.arrivalNs();
                openByKind.remove(request.kind());
            }
        }
        for (Open open : openByKind.values()) {
            open.dispatchNs = open.deadlineNs();
        }
        final List<Batch> result = new ArrayList<>(batches.size());
        for (Open open : batches) {
            result.add(new Batch(open.index, open.kind, open.openedNs, open.dispatchNs, open.bytes, open.requests));
        }
        return new Assignment(result, batchOfRequest);
    }

    private final class Open {
        final int index;
        final String kind;
        final long openedNs;
        final List<Integer> requests = new ArrayList<>();
        long bytes;
        long dispatchNs;

        Open(int index, String kind, long openedNs) {
            this.index = index;
            this.kind = kind;
            this.openedNs = openedNs;
        }

        long deadlineNs() {
            return openedNs > Long.MAX_VALUE - maxDelayNs ? Long.MAX_VALUE : openedNs + maxDelayNs;
        }

        boolean takes(Request request) {
            return bytes + request.sizeBytes() <= maxBatchBytes && request.arrivalNs() <= deadlineNs();
        }
    }
}
