/**
 * Micrometer meters for Silent Refresh sessions: {@link dev.silentrefresh.micrometer.SessionMetrics}.
 *
 * <p>Null-marked (JSpecify): nothing here accepts or returns null unless its type says {@code @Nullable}.
 */
@NullMarked
package dev.silentrefresh.micrometer;

import org.jspecify.annotations.NullMarked;
