/** Input checks (size, encoding) and the hand-written lexer; numbers with units. */
package io.flowswitch.fml.lex;
