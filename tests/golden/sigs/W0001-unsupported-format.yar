rule golden { condition: true }
