print("sscard-bench-card: not yet")
