/**
 * Silent Refresh for Spring Boot 4: {@link dev.silentrefresh.TokenSession} beans from {@code silent-refresh.*}
 * properties ({@link dev.silentrefresh.boot.SilentRefreshProperties}), installed on the auto-configured HTTP
 * client builders, with meters and health. See {@link dev.silentrefresh.boot.SilentRefreshAutoConfiguration}.
 */
@NullMarked
package dev.silentrefresh.boot;

import org.jspecify.annotations.NullMarked;
