package io.inboxallocation.json;

/**
 * A PATCH field that was sent, possibly as null (which clears the setting). Where a message holds a
 * {@code Nullable<T>}, null itself means the field was not sent: leave the setting as it is.
 */
public record Nullable<T>(T value) {
}
