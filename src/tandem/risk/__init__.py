"""Risk domain: register, matrices and treatments, with the pure Open FAIR Monte Carlo engine in `risk.fair`."""
