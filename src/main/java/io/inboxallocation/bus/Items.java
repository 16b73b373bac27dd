package io.inboxallocation.bus;

import java.util.List;

/** The {@code {items: [...]}} envelope of every list answer. */
public record Items<T>(List<T> items) {
}
