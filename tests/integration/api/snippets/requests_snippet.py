import requests

url = "https://api.zerogpu.ai/v1/responses"
headers = {
    "content-type": "application/json",
    "x-api-key": "YOUR_API_KEY",
    "x-project-id": "YOUR_PROJECT_ID",
}
payload = {
    "model": "YOUR_MODEL",
    "input": [
        {
            "role": "user",
            "content": "Your input text here...",
        }
    ],
    "text": {"format": {"type": "text"}},
}
response = requests.post(url, headers=headers, json=payload)
print(response.json())
