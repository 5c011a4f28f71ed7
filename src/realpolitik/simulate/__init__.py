"""Simulation: scenarios, the Monte Carlo engine, sensitivity analysis (DESIGN §5)."""
