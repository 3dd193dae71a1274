print("sscard-vcard: not yet")
