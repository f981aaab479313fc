import type { OnboardingStatus, OnboardingStep, PhotoReply, Profile, StepBodies } from '@studymate/contracts';
import { http } from '../../lib/http';

export async function fetchProfile(): Promise<Profile> {
  return (await http.get<Profile>('/me')).data;
}

export async function fetchOnboardingStatus(): Promise<OnboardingStatus> {
  return (await http.get<OnboardingStatus>('/onboarding')).data;
}

export async function saveStep<S extends OnboardingStep>(step: S, body: StepBodies[S]): Promise<OnboardingStatus> {
  return (await http.put<OnboardingStatus>(`/onboarding/${step}`, body)).data;
}

export async function uploadPhoto(photo: Blob, filename: string): Promise<string> {
  const form = new FormData();
  form.append('photo', photo, filename);
  return (await http.post<PhotoReply>('/me/photo', form)).data.photoUrl;
}

export async function removePhoto(): Promise<void> {
  await http.delete('/me/photo');
}
