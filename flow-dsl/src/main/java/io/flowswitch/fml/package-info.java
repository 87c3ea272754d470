/** The FML front end: {@link io.flowswitch.fml.Fml} runs every pass over one program and returns a plan or diagnostics. */
package io.flowswitch.fml;
