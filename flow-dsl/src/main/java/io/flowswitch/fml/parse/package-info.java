/** The syntax tree, with a position on every node, and the recovering recursive-descent parser. */
package io.flowswitch.fml.parse;
