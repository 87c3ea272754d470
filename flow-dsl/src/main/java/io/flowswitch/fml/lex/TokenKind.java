package io.flowswitch.fml.lex;

/** The kinds of FML tokens. Keywords are identifiers: the parser gives them meaning by position. */
public enum TokenKind {
    IDENT("a name"),
    NUMBER("a number"),
    STRING("a string"),
    LBRACE("'{'"),
    RBRACE("'}'"),
    LPAREN("'('"),
    RPAREN("')'"),
    EQ("'='"),
    COMMA("','"),
    SEMI("';'"),
    COLON("':'"),
    DOT("'.'"),
    DOTDOT("'..'"),
    PLUS("'+'"),
    MINUS("'-'"),
    STAR("'*'"),
    AMP("'&'"),
    PIPE("'|'"),
    SHL("'<<'"),
    SHR("'>>'"),
    /** A character or literal the lexer already reported; the parser skips it without a second message. */
    ERROR("an invalid token"),
    EOF("the end of the file");

    private final String description;

    TokenKind(String description) {
        this.description = description;
    }

    /** How messages name the kind: {@code "'{'"}, {@code "a name"}. */
    public String description() {
        return description;
    }
}
