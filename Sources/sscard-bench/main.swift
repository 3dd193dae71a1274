print("sscard-bench: not yet")
