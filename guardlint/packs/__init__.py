"""Python checks, one module per pack; rules/<pack>.yaml names them with `check:`."""
