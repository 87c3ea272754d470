/** Diagnostics: stable codes, positions ({@link io.flowswitch.fml.diag.Span}), the reporter passes share, text and JSON renderings. */
package io.flowswitch.fml.diag;
