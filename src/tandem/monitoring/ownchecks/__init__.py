"""Network checks Tandem runs itself (TCP reachability, TLS handshake), only against the approved target scope."""
