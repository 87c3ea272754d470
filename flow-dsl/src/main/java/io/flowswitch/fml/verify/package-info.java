/** The two verifier passes: structure and types, then resources, bounds and the rights of principals. */
package io.flowswitch.fml.verify;
