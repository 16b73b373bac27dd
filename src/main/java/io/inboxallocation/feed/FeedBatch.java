package io.inboxallocation.feed;

import java.util.List;

/** Events the relay has just read, in feed order: published to every local reader of the node. */
public record FeedBatch(List<FeedEvent> events) {
}
