/** The name pass: device kinds, keys and stage names looked up, duplicates and unknown names reported. */
package io.flowswitch.fml.resolve;
